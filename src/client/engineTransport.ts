/**
 * How the client reaches an engine: a child process (the default: a fault there cannot take the extension host
 * down) or, where a child process cannot load the runtime, a worker thread of the host.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { ClientMessage, EngineMessage } from '../shared/protocol';

export interface EngineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface EngineTransport {
  readonly kind: 'process' | 'thread';
  /** The engine process id (a thread shares the host's). */
  readonly pid: number | undefined;
  send(msg: ClientMessage): void;
  /** Hard stop: SIGKILL for a process. A thread cannot be killed safely while a runtime runs in it. */
  kill(): void;
  /** Signals the engine process (test hooks: SIGSTOP, SIGKILL); false for a thread. */
  signal(sig: NodeJS.Signals): boolean;
  /** While busy the transport keeps the host's event loop alive; when idle it does not. */
  setBusy(busy: boolean): void;
}

export interface TransportEvents {
  onMessage(msg: EngineMessage): void;
  onExit(exit: EngineExit): void;
  /** A line the engine wrote to stdout/stderr (runtime warnings, fault reports). */
  onOutput(line: string): void;
}

export type TransportFactory = (entry: string, events: TransportEvents) => EngineTransport;

export const forkEngine: TransportFactory = (entry, events) => {
  const child: ChildProcess = fork(entry, [], {
    // An inspector or loader flag inherited from the host would break or hang the child.
    execArgv: [],
    // Inside VS Code process.execPath is Electron; this makes it behave as plain Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let exited = false;
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) events.onOutput(l);
    });
  }
  child.on('message', (m) => events.onMessage(m as EngineMessage));
  // 'exit' can come before the last IPC messages are read; 'close' waits for stdio and the channel.
  child.once('close', (code, signal) => {
    exited = true;
    events.onExit({ code, signal });
  });
  child.once('error', (err) => events.onOutput(`engine process error: ${err.message}`));
  const setBusy = (busy: boolean) => {
    const ch = child.channel as { ref?(): void; unref?(): void } | undefined;
    if (busy) (child.ref(), ch?.ref?.());
    else (child.unref(), ch?.unref?.());
  };
  setBusy(false);
  return {
    kind: 'process',
    pid: child.pid,
    send: (msg) => {
      if (!exited && child.connected) child.send(msg);
    },
    kill: () => {
      if (!exited) child.kill('SIGKILL');
    },
    signal: (sig) => !exited && child.kill(sig),
    setBusy,
  };
};

export const threadEngine: TransportFactory = (entry, events) => {
  const worker = new Worker(entry);
  worker.on('message', (m: EngineMessage) => events.onMessage(m));
  worker.on('error', (e) => events.onOutput(`engine thread failed: ${e.stack ?? e.message}`));
  worker.once('exit', (code) => events.onExit({ code, signal: null }));
  worker.unref();
  return {
    kind: 'thread',
    pid: undefined,
    send: (msg) => worker.postMessage(msg),
    // terminate() inside onnxruntime's run() aborts the whole process: a stalled thread is left alone.
    kill: () => undefined,
    signal: () => false,
    setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
  };
};
