/**
 * The fleet's live display. On a terminal: one line per stack, redrawn in place
 * (running stacks tick their time); elsewhere (CI logs, pipes): one plain line each
 * time a stack changes state, never a cursor movement.
 */
import { statusLine } from "./format";
import type { StackState, StackStatus } from "./scheduler";

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly rows?: number;
  readonly columns?: number;
}

export interface ProgressDisplay {
  update(status: StackStatus): void;
  stop(): void;
}

export function progressDisplay(out: Output, stacks: readonly string[], now: () => number = Date.now): ProgressDisplay {
  const nameWidth = Math.max(5, ...stacks.map((stack) => stack.length));
  return out.isTTY ? new LiveLines(out, stacks, nameWidth, now) : new PlainLines(out, nameWidth, now);
}

class PlainLines implements ProgressDisplay {
  private readonly printed = new Map<string, StackState>();

  constructor(
    private readonly out: Output,
    private readonly nameWidth: number,
    private readonly now: () => number,
  ) {}

  update(status: StackStatus): void {
    // Waiting and queued are the starting point; a log needs only the moves that matter.
    if (status.state === "waiting" || status.state === "queued" || this.printed.get(status.stack) === status.state) return;
    this.printed.set(status.stack, status.state);
    this.out.write(`${statusLine(status, this.now(), this.nameWidth)}\n`);
  }

  stop(): void {}
}

/** ANSI: move the cursor up n lines; erase the current line. */
const up = (lines: number) => (lines > 0 ? `\x1b[${lines}A` : "");
const ERASE_LINE = "\x1b[2K";

class LiveLines implements ProgressDisplay {
  private readonly statuses = new Map<string, StackStatus>();
  private drawn = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly out: Output,
    stacks: readonly string[],
    private readonly nameWidth: number,
    private readonly now: () => number,
  ) {
    for (const stack of stacks) this.statuses.set(stack, { stack, state: "waiting", progress: { done: 0 } });
    this.timer = setInterval(() => this.draw(), 250);
    this.timer.unref();
    this.draw();
  }

  update(status: StackStatus): void {
    this.statuses.set(status.stack, { ...status });
  }

  stop(): void {
    clearInterval(this.timer);
    this.draw();
  }

  private draw(): void {
    // A terminal that reports no size (0) is treated as the common 24 by 120.
    const lines = liveLines([...this.statuses.values()], this.now(), this.nameWidth, (this.out.rows || 24) - 1);
    const width = this.out.columns || 120;
    let text = up(this.drawn);
    for (const line of lines) text += `${ERASE_LINE}${line.slice(0, width - 1)}\n`;
    // A shorter frame than the last one leaves old lines below; erase them and come back.
    for (let i = lines.length; i < this.drawn; i++) text += `${ERASE_LINE}\n`;
    text += up(Math.max(0, this.drawn - lines.length));
    this.out.write(text);
    this.drawn = lines.length;
  }
}

/**
 * The frame: every stack when they fit on the screen; otherwise a count line and the
 * stacks that are running or have failed, because redrawing more lines than the
 * terminal has scrolls the top away.
 */
export function liveLines(statuses: readonly StackStatus[], now: number, nameWidth: number, maxLines: number): string[] {
  const all = statuses.map((status) => statusLine(status, now, nameWidth));
  if (all.length <= maxLines) return all;
  const counts = new Map<StackState, number>();
  for (const status of statuses) counts.set(status.state, (counts.get(status.state) ?? 0) + 1);
  const tally = [...counts].map(([state, count]) => `${count} ${state}`).join(", ");
  const shown = statuses.filter((status) => status.state === "running" || status.state === "failed");
  return [
    `${statuses.length} stacks: ${tally}`,
    ...shown.slice(0, Math.max(0, maxLines - 1)).map((status) => statusLine(status, now, nameWidth)),
  ];
}
