import { extname } from 'node:path';
import { formatSegments, narrate, type NarrateOptions } from '../text/narrate';

/**
 * What `say --dry-run` prints: `language: <code>`, then every sentence that would be spoken, with its source lines.
 * Code blocks are announced by default so the listing shows where they were.
 */
export function dryRunText(source: string, languageId: string, opts: Partial<Omit<NarrateOptions, 'languageId'>> = {}): string {
  const segments = narrate(source, { languageId, codeBlocks: 'announce', ...opts });
  return `language: ${opts.language ?? 'en'}\n${formatSegments(source, segments)}`;
}

/** VS Code language ids for the file types the CLI is likely to be pointed at; anything else is plain text. */
const BY_EXTENSION: Record<string, string> = {
  '.md': 'markdown', '.markdown': 'markdown', '.ts': 'typescript', '.tsx': 'typescriptreact', '.js': 'javascript',
  '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascriptreact', '.py': 'python', '.sh': 'shellscript',
  '.bash': 'shellscript', '.yml': 'yaml', '.yaml': 'yaml', '.rb': 'ruby', '.sql': 'sql', '.lua': 'lua', '.html': 'html',
  '.xml': 'xml', '.rs': 'rust', '.go': 'go', '.java': 'java', '.c': 'c', '.h': 'c', '.cpp': 'cpp', '.cs': 'csharp', '.css': 'css',
};

/** The language id `say --file` should narrate a path as (VS Code supplies this itself in the extension). */
export function languageIdForPath(path: string): string {
  return BY_EXTENSION[extname(path).toLowerCase()] ?? 'plaintext';
}
