package io.causalloop.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import io.causalloop.schemas.SamplingSettings;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void shouldChooseTheDeviceFromConfigurationAlone() {
        assertEquals(Device.cpu(), Devices.select("cpu"));
        boolean gpu = ai.djl.engine.Engine.getInstance().getGpuCount() > 0;
        assertEquals(gpu ? Device.gpu() : Device.cpu(), Devices.select("AUTO"));
        if (!gpu) {
            assertThrows(IllegalStateException.class, () -> Devices.select("gpu"), "no GPU: fail with advice");
        }
        assertThrows(IllegalArgumentException.class, () -> Devices.select("tpu"));
    }

    @Test
    void shouldReadTheLoggedSamplingSettingsWithoutTheSubsamplingRate() {
        SamplingSettings avro = new SamplingSpec(0.7, 40, 0.9, 0.05).toAvro(0.5, 48);
        assertEquals(0.5, avro.getSubsamplingRate());
        assertEquals(new SamplingSpec(0.7, 40, 0.9, 0.05), SamplingSpec.of(avro));
        assertEquals(SamplingSpec.PLAIN, SamplingSpec.of(null));
        assertThrows(IllegalArgumentException.class, () -> new SamplingSpec(0, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingSpec(1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingSpec(1, -1, 1, 0));
    }

    @Test
    void shouldRoundTripTheModelConfigThroughTheCheckpointMap() {
        ModelConfig c = ModelConfig.defaults();
        assertEquals(c, ModelConfig.fromMap(c.toMap()));
        assertThrows(IllegalArgumentException.class, () -> new ModelConfig(512, 130, 4, 4, 64, 0, true));
    }
}
