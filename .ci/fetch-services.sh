#!/usr/bin/env bash
# Downloads the local integration services from Maven Central into infra/local/.cache:
#   kafka-<version>/libs/*.jar      Apache Kafka broker (KRaft) runtime classpath  (infra/local/kafka/pom.xml)
#   s3mock-<version>/*-exec.jar     Adobe S3Mock, S3-compatible server              (infra/local/s3/pom.xml)
# Idempotent (a version already present is skipped), quiet on success, loud on failure.
# Maven caches artifacts in ~/.m2 as usual. The test harness runs this too when jars are missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
local_dir="$root/infra/local"
cache="$local_dir/.cache"
mkdir -p "$cache"

command -v mvn >/dev/null || { echo "fetch-services: mvn not found (apt-get install maven)" >&2; exit 1; }
command -v java >/dev/null || { echo "fetch-services: java not found (Java 17+ needed)" >&2; exit 1; }

# Concurrent test runs may fetch at the same time; one downloads, the others wait.
exec 9>"$cache/.fetch.lock"
command -v flock >/dev/null && flock 9

pom_property() { sed -n "s:.*<$2>\(.*\)</$2>.*:\1:p" "$1" | head -1; }

# $1 name, $2 pom, $3 destination dir (replaced atomically), extra args: maven goal options
fetch() {
  local name="$1" pom="$2" dest="$3"; shift 3
  [[ -f "$dest/.complete" ]] && return 0
  local tmp; tmp="$(mktemp -d "$cache/.tmp-$name.XXXXXX")"
  local log="$tmp.log"
  if ! mvn -B -q -f "$pom" dependency:copy-dependencies -DoutputDirectory="$tmp/out" "$@" >"$log" 2>&1; then
    echo "fetch-services: Maven failed to fetch $name (pom $pom):" >&2
    cat "$log" >&2
    rm -rf "$tmp" "$log"
    exit 1
  fi
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  mv "$tmp/out" "$dest"
  touch "$dest/.complete"
  rm -rf "$tmp" "$log"
  echo "fetch-services: $name ready in ${dest#"$root"/}"
}

kafka_version="$(pom_property "$local_dir/kafka/pom.xml" kafka.version)"
s3mock_version="$(pom_property "$local_dir/s3/pom.xml" s3mock.version)"
[[ -n "$kafka_version" && -n "$s3mock_version" ]] || { echo "fetch-services: versions missing in the poms" >&2; exit 1; }

fetch "kafka-$kafka_version" "$local_dir/kafka/pom.xml" "$cache/kafka-$kafka_version/libs" -DincludeScope=runtime
fetch "s3mock-$s3mock_version" "$local_dir/s3/pom.xml" "$cache/s3mock-$s3mock_version"

[[ -f "$cache/s3mock-$s3mock_version/s3mock-$s3mock_version-exec.jar" ]] || {
  echo "fetch-services: s3mock-$s3mock_version-exec.jar missing after fetch" >&2; exit 1; }
