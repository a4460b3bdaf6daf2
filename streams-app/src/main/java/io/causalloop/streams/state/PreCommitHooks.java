package io.causalloop.streams.state;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.streams.processor.TaskId;

/**
 * Work a task's processors must finish before the task's stores are written out for a commit: a
 * processor that keeps work in flight off the stream thread (the models' worker) registers a hook
 * under its task id, and each {@link WriteBehindKeyValueStore} built with these hooks runs the
 * task's hooks when Kafka Streams flushes it before the commit, ahead of its own write-out (a hook
 * with nothing left to do returns at once). Build every write-behind store the hooked work writes
 * into with the hooks (the batch buffer), and only those: a store the work never touches (the join
 * store) then writes out while the work finishes. What the hook forwards (direct outcomes into the
 * batch buffer, deltas, checkpoints into stores that write through) lands in the stores and the
 * producer's transaction of the same commit, whatever order Kafka Streams flushes stores in.
 *
 * <p>One instance per topology (per Streams client): task ids are unique within a client, not
 * across clients in one JVM. Hooks run on the task's stream thread.
 */
public final class PreCommitHooks {

    private final Map<TaskId, CopyOnWriteArrayList<Runnable>> hooks = new ConcurrentHashMap<>();

    /**
     * Runs {@code hook} before every commit of {@code task} until it is removed; a hook registered
     * again (a processor initialized again) runs once.
     */
    public void register(TaskId task, Runnable hook) {
        hooks.computeIfAbsent(task, t -> new CopyOnWriteArrayList<>()).addIfAbsent(hook);
    }

    /** Stops running {@code hook} for {@code task}. */
    public void remove(TaskId task, Runnable hook) {
        hooks.computeIfPresent(task, (t, list) -> {
            list.remove(hook);
            return list.isEmpty() ? null : list;
        });
    }

    /** Runs the task's hooks, in the order registered. */
    public void run(TaskId task) {
        List<Runnable> list = hooks.get(task);
        if (list != null) {
            for (Runnable hook : list) {
                hook.run();
            }
        }
    }
}
