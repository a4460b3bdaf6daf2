package io.causalloop.streams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** The models' worker: order, the drain before a commit, failures. */
class ModelWorkerTest {

    @Test
    void shouldRunOnItsOwnThreadAndReturnResultsInSubmissionOrder() {
        List<Object> applied = new ArrayList<>();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        try (ModelWorker w = ModelWorker.threaded("test-models")) {
            int n = 10 * ModelWorker.HANDOFF + 7; // several full hand-offs and a partial one
            for (int i = 0; i < n; i++) {
                int k = i;
                w.submit(out -> {
                    ranOn.set(Thread.currentThread());
                    out.accept(k);
                    if (k % 3 == 0) {
                        out.accept(-k); // an operation may pass several results
                    }
                });
                w.poll(applied::add);
            }
            w.drain(applied::add);
            List<Object> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                expected.add(i);
                if (i % 3 == 0) {
                    expected.add(-i);
                }
            }
            assertEquals(expected, applied);
            assertNotSame(Thread.currentThread(), ranOn.get());
            assertEquals("test-models", ranOn.get().getName());
        }
    }

    @Test
    void shouldWaitAtADrainForWorkStillRunning() {
        List<Object> applied = new ArrayList<>();
        try (ModelWorker w = ModelWorker.threaded("test-models")) {
            w.submit(out -> {
                sleep(200);
                out.accept("slow");
            });
            w.submit(out -> out.accept("after"));
            w.poll(applied::add);
            assertTrue(applied.isEmpty(), "nothing is handed over before HANDOFF operations or a drain");
            w.drain(applied::add);
            assertEquals(List.of("slow", "after"), applied);
        }
    }

    @Test
    void shouldHandOverAPartialListWithoutWaiting() throws InterruptedException {
        List<Object> applied = new ArrayList<>();
        try (ModelWorker w = ModelWorker.threaded("test-models")) {
            w.submit(out -> out.accept(1));
            w.handOff();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (applied.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(1);
                w.poll(applied::add);
            }
            assertEquals(List.of(1), applied);
        }
    }

    @Test
    void shouldSurfaceAWorkerFailureOnTheStreamThreadWithItsCause() {
        IllegalStateException boom = new IllegalStateException("boom");
        List<Object> applied = new ArrayList<>();
        try (ModelWorker w = ModelWorker.threaded("test-models")) {
            w.submit(out -> out.accept("before"));
            w.submit(out -> {
                throw boom;
            });
            StreamsException e = assertThrows(StreamsException.class, () -> w.drain(applied::add));
            assertSame(boom, e.getCause());
            assertEquals(List.of("before"), applied, "results finished before the failure are still applied");
            assertThrows(StreamsException.class, () -> w.submit(out -> out.accept("more")));
        }
    }

    @Test
    void shouldRunInlineOnTheCallersThread() {
        List<Object> applied = new ArrayList<>();
        try (ModelWorker w = ModelWorker.inline()) {
            Thread caller = Thread.currentThread();
            w.submit(out -> out.accept(Thread.currentThread()));
            w.poll(applied::add);
            assertEquals(List.of(caller), applied);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
