package io.causalloop.trainer.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses the DJL device from a configuration value, so CPU or GPU is configuration and never
 * a code path: {@code cpu}, {@code gpu} (fails when the engine sees none) or {@code auto} (the
 * first GPU when the engine finds one, else the CPU).
 */
public final class Devices {

    private Devices() {
    }

    /** The device for "auto", "cpu" or "gpu" (case-insensitive). */
    public static Device select(String choice) {
        String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
        switch (c) {
            case "cpu":
                return Device.cpu();
            case "gpu":
                if (Engine.getInstance().getGpuCount() == 0) {
                    throw new IllegalStateException("device=gpu but the " + Engine.getInstance().getEngineName()
                            + " engine finds no GPU; set device=auto or cpu, or install a CUDA native library");
                }
                return Device.gpu();
            case "auto":
                return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            default:
                throw new IllegalArgumentException("device must be auto, cpu or gpu, got '" + choice + "'");
        }
    }

    /**
     * What bit-identical replay depends on, for a checkpoint's {@code reproducibility} map:
     * engine, engine and DJL versions, the thread count (1 and 2 threads differ in the last
     * bits) and the device.
     */
    public static Map<String, String> reproducibility(Device device) {
        Engine e = Engine.getInstance();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("engine", e.getEngineName());
        m.put("engineVersion", e.getVersion());
        m.put("djlVersion", Engine.getDjlVersion());
        m.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        m.put("device", device.toString());
        return m;
    }
}
