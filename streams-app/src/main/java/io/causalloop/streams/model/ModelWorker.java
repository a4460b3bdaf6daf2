package io.causalloop.streams.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * Runs one task's model operations in the order they are submitted, and hands their results
 * back to the stream thread in that order: on a thread of its own ({@link #threaded}), so that
 * feature extraction and learning use a second core while the stream thread joins the next
 * records, or on the caller's thread ({@link #inline}), where every result is ready when
 * {@link #submit} returns.
 *
 * <p>The stream thread submits, {@link #poll}s finished results (forwarding them), and before
 * every commit {@link #drain}s: it waits until everything submitted is done and applies the
 * rest, so a commit never leaves work in flight and exactly-once holds as on one thread. The
 * operations hold the model state; only the worker touches it between two drains (a drain
 * happens-before whatever the stream thread does next).
 *
 * <p>Surprise: operations are handed over in lists of up to {@value #HANDOFF} (or at a drain, or
 * at {@link #handOff}), so a worker that keeps up is woken once a list instead of once a record;
 * the results of the last list wait for the next hand-off, poll or drain.
 */
public abstract class ModelWorker implements AutoCloseable {

    /** One unit of work; it passes its results, in order, to {@code out}. */
    @FunctionalInterface
    public interface Op {
        void run(Consumer<Object> out);
    }

    /** Operations per hand-off to the worker thread. */
    static final int HANDOFF = 32;
    /** Hand-offs in flight before {@link #submit} waits (back-pressure on the stream thread). */
    static final int INBOX = 16;

    private ModelWorker() {
    }

    /** A worker that runs each operation at once on the caller's thread. */
    public static ModelWorker inline() {
        return new Inline();
    }

    /** A worker on a daemon thread of this name. */
    public static ModelWorker threaded(String threadName) {
        return new Threaded(threadName);
    }

    /** Queues {@code op} after everything submitted before it. */
    public abstract void submit(Op op);

    /** Hands what is queued to the worker now, without waiting for it. */
    public abstract void handOff();

    /** Applies the results finished so far, in order, without waiting. */
    public abstract void poll(Consumer<Object> apply);

    /** Waits until everything submitted is done and applies every result, in order. */
    public abstract void drain(Consumer<Object> apply);

    /** Stops the worker; results not applied are dropped. */
    @Override
    public abstract void close();

    private static final class Inline extends ModelWorker {
        private final ArrayDeque<Object> done = new ArrayDeque<>();

        @Override
        public void submit(Op op) {
            op.run(done::add);
        }

        @Override
        public void handOff() {
        }

        @Override
        public void poll(Consumer<Object> apply) {
            Object r;
            while ((r = done.poll()) != null) {
                apply.accept(r);
            }
        }

        @Override
        public void drain(Consumer<Object> apply) {
            poll(apply);
        }

        @Override
        public void close() {
            done.clear();
        }
    }

    private static final class Threaded extends ModelWorker {
        private final ArrayBlockingQueue<List<Op>> inbox = new ArrayBlockingQueue<>(INBOX);
        private final Queue<Object> outbox = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        /** Operations queued on the stream thread, not yet handed over. */
        private List<Op> pending = new ArrayList<>(HANDOFF);
        /** Operations submitted (stream thread only). */
        private long submitted;
        /** Operations done, their results in the outbox (written by the worker only). */
        private volatile long completed;
        private volatile Throwable failure;
        /** The stream thread while it waits in {@link #drain}. */
        private volatile Thread waiter;

        Threaded(String name) {
            thread = new Thread(this::run, name);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void submit(Op op) {
            checkFailure();
            pending.add(op);
            submitted++;
            if (pending.size() >= HANDOFF) {
                handOff();
            }
        }

        @Override
        public void handOff() {
            if (pending.isEmpty()) {
                return;
            }
            try {
                while (!inbox.offer(pending, 10, TimeUnit.MILLISECONDS)) {
                    checkFailure();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StreamsException("interrupted while handing work to " + thread.getName(), e);
            }
            pending = new ArrayList<>(HANDOFF);
        }

        @Override
        public void poll(Consumer<Object> apply) {
            Object r;
            while ((r = outbox.poll()) != null) {
                apply.accept(r);
            }
            checkFailure();
        }

        @Override
        public void drain(Consumer<Object> apply) {
            handOff();
            while (true) {
                poll(apply);
                if (completed == submitted) {
                    poll(apply);
                    return;
                }
                waiter = Thread.currentThread();
                if (completed != submitted && failure == null) {
                    LockSupport.parkNanos(this, 1_000_000L);
                }
                waiter = null;
            }
        }

        @Override
        public void close() {
            thread.interrupt();
            try {
                thread.join(10_000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inbox.clear();
            outbox.clear();
        }

        private void run() {
            try {
                while (true) {
                    List<Op> ops = inbox.take();
                    Consumer<Object> out = outbox::add;
                    for (Op op : ops) {
                        op.run(out);
                    }
                    completed = completed + ops.size();
                    wakeWaiter();
                }
            } catch (InterruptedException e) {
                // closed
            } catch (Throwable t) {
                failure = t;
                wakeWaiter();
            }
        }

        private void wakeWaiter() {
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }

        private void checkFailure() {
            Throwable t = failure;
            if (t != null) {
                throw new StreamsException(thread.getName() + " failed; this task's model work since its"
                        + " last commit is not written, and the task must restart from that commit", t);
            }
        }
    }
}
