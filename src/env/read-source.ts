import { execFile } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../errors/user-error.js';

const execFileAsync = promisify(execFile);

/** The text of one env source, and the label used for it in every message. */
export interface SourceText {
  label: string;
  text: string;
}

const GIT_SPEC = /^git:([^:]+):(.+)$/;

/** An env file larger than this is not an env file (the largest real ones are a few KiB). */
export const MAX_ENV_FILE_BYTES = 1024 * 1024;

/**
 * Reads an env source: a path, or `git:REV:path` for a file as it was at a git revision,
 * so versioned env sets can be compared (`scimsim diff --base git:HEAD~1:prod.env`).
 * Rejects what cannot be an env file (directories, binary data, invalid UTF-8, empty files)
 * with a message that names it.
 */
export async function readEnvSource(spec: string, cwd: string): Promise<SourceText> {
  const git = GIT_SPEC.exec(spec);
  const bytes = git ? await readFromGit(git[1] ?? '', git[2] ?? '', spec, cwd) : await readFromDisk(spec, cwd);
  return { label: spec, text: decodeText(bytes, spec) };
}

async function readFromDisk(path: string, cwd: string): Promise<Buffer> {
  const full = resolve(cwd, path);
  try {
    const info = await stat(full);
    if (info.isDirectory()) {
      throw new UserError('env-file-directory', `Failed to read env file ${path}: it is a directory.`, {
        hint: 'Pass a file, e.g. --env fixtures/env/baseline.env.',
        location: { file: path },
      });
    }
    // A device (/dev/zero), a FIFO or a socket never ends, or blocks: read regular files only.
    if (!info.isFile()) {
      throw new UserError('env-file-not-regular', `Failed to read env file ${path}: it is not a regular file (a device, pipe or socket).`, {
        hint: 'Pass a regular file; to use a secret store, write its output to a file first.',
        location: { file: path },
      });
    }
    if (info.size > MAX_ENV_FILE_BYTES) throw tooLarge(path);
    return await readAtMost(full, path);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new UserError('env-file-unreadable', `Failed to read env file ${path}: ${reason}.`, {
      hint: code === 'ENOENT' ? `Check the path; it is resolved against ${cwd}.` : 'Check the file and its permissions.',
      location: { file: path },
      cause: error,
    });
  }
}

/** Reads at most the cap (and one byte more, to tell), whatever the file grew to since stat. */
async function readAtMost(full: string, label: string): Promise<Buffer> {
  const handle = await open(full, 'r');
  try {
    const buffer = Buffer.alloc(MAX_ENV_FILE_BYTES + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled > MAX_ENV_FILE_BYTES) throw tooLarge(label);
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

function tooLarge(label: string): UserError {
  return new UserError('env-file-too-large', `Failed to read env file ${label}: it is larger than ${MAX_ENV_FILE_BYTES / 1024} KiB.`, {
    hint: 'An env file holds KEY=VALUE lines; check that the path names the right file.',
    location: { file: label },
  });
}

async function readFromGit(rev: string, path: string, spec: string, cwd: string): Promise<Buffer> {
  try {
    const { stdout } = await execFileAsync('git', ['show', `${rev}:${path}`], {
      cwd,
      encoding: 'buffer',
      maxBuffer: MAX_ENV_FILE_BYTES,
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim().split('\n')[0]?.slice(0, 200);
    if ((error as { code?: unknown }).code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') throw tooLarge(spec);
    throw new UserError('env-git-unreadable', `Failed to read ${path} at git revision ${rev}: ${stderr || 'git failed'}.`, {
      hint: 'Check the revision (git log) and the path relative to the repository root, as in git:HEAD~1:env/prod.env.',
      location: { file: spec },
      cause: error,
    });
  }
}

function decodeText(bytes: Buffer, label: string): string {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new UserError('env-file-binary', `Failed to read env file ${label}: it is binary (a NUL byte on line ${lineAt(bytes, nul)}).`, {
      hint: 'Pass a dotenv or JSON text file.',
      location: { file: label, line: lineAt(bytes, nul) },
    });
  }
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    const line = firstInvalidUtf8Line(bytes);
    throw new UserError('env-file-encoding', `Failed to read env file ${label}: line ${line} is not valid UTF-8.`, {
      hint: 'Save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8).',
      location: { file: label, line },
    });
  }
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (withoutBom.trim() === '') {
    throw new UserError('env-file-empty', `Failed to read env file ${label}: it is empty.`, {
      hint: 'Add KEY=VALUE lines; `scimsim vars --example` writes a starting point.',
      location: { file: label },
    });
  }
  return withoutBom;
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function firstInvalidUtf8Line(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  let line = 1;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}
