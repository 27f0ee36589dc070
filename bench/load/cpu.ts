/**
 * CPU used by a process and by the processes under it (Linux, /proc): the server's own and its embedded
 * PostgreSQL's, so a run on a machine shared with other work can still say what one request cost — CPU time per
 * request moves far less with the neighbours' load than requests a second do.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks a second (`getconf CLK_TCK`; 100 on Linux). */
const TICKS = 100;

export interface TreeCpu {
  /** Seconds of CPU (user + system) of the process itself. */
  readonly own: number;
  /** Seconds of CPU of every process under it (for the embedded store: PostgreSQL's postmaster and backends). */
  readonly descendants: number;
}

export function treeCpu(rootPid: number): TreeCpu {
  const children = new Map<number, number[]>();
  const seconds = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // The command name is in parentheses and may hold spaces: the fields after it are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(entry);
    const ppid = Number(fields[1]);
    seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  let descendants = 0;
  const stack = [...(children.get(rootPid) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    descendants += seconds.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return { own: seconds.get(rootPid) ?? 0, descendants };
}
