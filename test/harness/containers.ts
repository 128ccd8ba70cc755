// The testcontainers path, used where a Docker engine answers: the same images as
// docker-compose.yml, and the Kafka version the local launcher runs. Ryuk removes the containers if the run crashes.
import { MinioContainer } from '@testcontainers/minio';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { kafkaDist } from '../../infra/local/launchers/local-paths.js';

export interface StartedContainer { stop(): Promise<unknown> }

const POSTGRES_IMAGE = 'postgres:15';
const MINIO_IMAGE = 'quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z';
const STARTER = '/tmp/pw-start.sh';
const WAITING = 'pw-waiting-for-starter';

/**
 * apache/kafka in KRaft mode. The advertised listener must name the host's mapped port, known
 * only once the container runs, so the container waits for a starter script we copy in then.
 */
export async function startKafkaContainer(): Promise<{ brokers: string[]; container: StartedContainer }> {
  const started: StartedTestContainer = await new GenericContainer(`apache/kafka:${kafkaDist().version}`)
    .withExposedPorts(9092)
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      CLUSTER_ID: 'cGFyY2Vsd2F0Y2gtdGVzdA',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9094',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:9093,CONTROLLER://0.0.0.0:9094',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_NUM_PARTITIONS: '3',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    })
    .withEntrypoint(['sh', '-c'])
    .withCommand([`echo ${WAITING}; while [ ! -f ${STARTER} ]; do sleep 0.1; done; exec sh ${STARTER}`])
    .withWaitStrategy(Wait.forLogMessage(WAITING))
    .withStartupTimeout(120_000)
    .start();
  const host = started.getHost();
  const port = started.getMappedPort(9092);
  const script = `export KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://${host}:${port},BROKER://localhost:9093\nexec /etc/kafka/docker/run\n`;
  await started.copyContentToContainer([{ content: script, target: STARTER, mode: 0o755 }]);
  return { brokers: [`${host}:${port}`], container: started };
}

export async function startPostgresContainer(): Promise<{ adminUrl: string; container: StartedContainer }> {
  const started = await new PostgreSqlContainer(POSTGRES_IMAGE).start();
  return { adminUrl: started.getConnectionUri(), container: started };
}

export async function startMinioContainer(): Promise<{
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  container: StartedContainer;
}> {
  const started = await new MinioContainer(MINIO_IMAGE).start();
  return { endpoint: started.getConnectionUrl(), accessKeyId: started.getUsername(), secretAccessKey: started.getPassword(), container: started };
}
