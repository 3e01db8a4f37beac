/** CPU and memory of the engine's process, for request stats (benchmarks read them from `done`). */

export interface Usage {
  /** Process CPU time since start() (user + system, every thread: engine loop, ORT pools, Mimi thread). */
  cpuMs: number;
  /** The process's peak resident set so far. */
  peakRssMb: number;
}

/** Starts measuring; the returned function reads the usage since. */
export function startUsage(): () => Usage {
  const start = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(start);
    return { cpuMs: (d.user + d.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  };
}
