import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/*
 * Kept copies of buyer mail: the `.eml` files the local SMTP sink of `parcelwatch start` writes
 * (MAIL_COPY_DIR), named `<received>-<n>-<message id>.eml` with the receipt time on the pipeline
 * clock (`20261123T120000Z`) and the Message-ID `<notification id>@notifier.parcelwatch`. They
 * are personal data: a buyer's erasure deletes theirs, and retention deletes every copy past
 * its age. A deployment with a real relay keeps none here (the relay's own retention applies).
 */
export interface MailCopies {
  /** Deletes the copies of these notifications; returns how many files went. */
  deleteForNotifications(notificationIds: readonly string[]): Promise<number>;
  /** Deletes the copies received before `before`; returns how many files went. */
  deleteReceivedBefore(before: Date): Promise<number>;
}

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-/;

/** The receipt time in a copy's name; the file's modification time for a name without one. */
async function receivedAt(file: string): Promise<Date> {
  const m = STAMP.exec(path.basename(file));
  if (m !== null) return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return (await stat(file)).mtime;
}

export function mailCopiesIn(directory: string): MailCopies {
  async function copies(): Promise<string[]> {
    try {
      return (await readdir(directory)).filter((name) => name.endsWith('.eml')).map((name) => path.join(directory, name));
    } catch (err) {
      // No copy was kept yet.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }
  async function remove(files: readonly string[]): Promise<number> {
    for (const file of files) await rm(file, { force: true });
    return files.length;
  }
  return {
    async deleteForNotifications(notificationIds) {
      if (notificationIds.length === 0) return 0;
      const marks = notificationIds.map((id) => `-${id}@`);
      return remove((await copies()).filter((file) => marks.some((mark) => path.basename(file).includes(mark))));
    },
    async deleteReceivedBefore(before) {
      const old: string[] = [];
      for (const file of await copies()) if ((await receivedAt(file)) < before) old.push(file);
      return remove(old);
    },
  };
}
