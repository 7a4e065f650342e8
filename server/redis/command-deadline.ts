import { Pipeline, type Command } from 'ioredis';

/**
 * A command's deadline runs from the moment its caller issued it, through everything the client
 * does meanwhile: waiting in an auto-pipeline behind the one still out on its node, a Cluster's
 * redirections and resends, the offline queue. ioredis's own `commandTimeout` starts at each send
 * instead, and starts again each time a Cluster pipeline is resent, so a caller could wait several
 * timeouts. Past its deadline a command fails as timed out, which callers see as Redis unavailable.
 */
interface Deadline {
  at: number;
  /** Armed from a send until the command settles (a Cluster pipeline settles its commands before resending them). */
  timer?: NodeJS.Timeout;
  /** The settlers this module installed on the command (a resent pipeline command gets new ones). */
  resolve?: Command['resolve'];
  reject?: Command['reject'];
}

/**
 * The deadline rides on the command itself. A WeakMap or WeakSet keyed by commands would do too,
 * but their tables grow to the most commands ever in flight between two collections (a burst of
 * connects) and never shrink: megabytes held for good.
 */
const DEADLINE = Symbol('deadline');
type WithDeadline = Command & { [DEADLINE]?: Deadline };

function deadlineOf(command: WithDeadline, timeoutMs: number): Deadline {
  return (command[DEADLINE] ??= { at: performance.now() + timeoutMs });
}

function disarmOnSettle(command: Command, deadline: Deadline): void {
  const disarm = () => {
    clearTimeout(deadline.timer);
    deadline.timer = undefined;
  };
  if (command.resolve !== deadline.resolve) {
    const resolve = command.resolve;
    command.resolve = deadline.resolve = (value) => {
      disarm();
      return resolve(value);
    };
  }
  if (command.reject !== deadline.reject) {
    const reject = command.reject;
    command.reject = deadline.reject = (error) => {
      disarm();
      reject(error);
    };
  }
}

/**
 * Arms the command's timer with what is left of its deadline, before each send. When it runs out,
 * the command fails only after the event loop has read what the sockets hold: a reply that
 * arrived while the loop was busy (a long GC, a burst of work) still counts as in time.
 */
export function armDeadline(command: Command, timeoutMs: number): void {
  const deadline = deadlineOf(command, timeoutMs);
  disarmOnSettle(command, deadline);
  if (deadline.timer) return;
  const expire = () => {
    if (!command.isSettled) command.reject(new Error('Command timed out'));
  };
  deadline.timer = setTimeout(() => setImmediate(expire), Math.max(0, deadline.at - performance.now()));
  deadline.timer.unref();
}

/**
 * Starts the deadline of each command as it is queued on a pipeline (an auto-pipeline waits for the
 * previous one of its node to finish before it is sent).
 */
export function deadlinesFromQueueing<T>(pipeline: T, timeoutMs: number): T {
  if (!(pipeline instanceof Pipeline)) return pipeline;
  const queue = pipeline.sendCommand.bind(pipeline);
  pipeline.sendCommand = (command: Command) => {
    deadlineOf(command, timeoutMs);
    return queue(command);
  };
  return pipeline;
}
