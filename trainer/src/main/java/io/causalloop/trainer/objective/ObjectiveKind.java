package io.causalloop.trainer.objective;

import java.util.Locale;

/** The trainers of method.md, with the ids checkpoints record. */
public enum ObjectiveKind {
    /** Fine-tuning: mean negative log-likelihood of the logged texts. */
    FT("ft"),
    /** Offline outcome RLHF: the DR second term alone, {@code (1/m) sum v_j g_hat_j}. */
    OO_RLHF("oo-rlhf"),
    /** Importance-weighted value, {@code (1/n) sum w_i y_i}. */
    CPO("cpo"),
    /** Self-normalized (Hajek) importance-weighted value, {@code sum w_i y_i / sum w_i}. */
    CPO_SN("cpo-sn"),
    /** Doubly robust value: IPW on the residuals plus the outcome model on samples of f0. */
    DR_CPO("dr-cpo");

    private final String id;

    ObjectiveKind(String id) {
        this.id = id;
    }

    /** The id written to checkpoints and read from configuration. */
    public String id() {
        return id;
    }

    /** The kind of an id ("ft", "oo-rlhf", "cpo", "cpo-sn", "dr-cpo"), case-insensitive. */
    public static ObjectiveKind fromId(String id) {
        for (ObjectiveKind k : values()) {
            if (k.id.equals(id.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("objective must be one of ft, oo-rlhf, cpo, cpo-sn, dr-cpo; got '" + id + "'");
    }
}
