/**
 * The trainer's loop on Kafka: {@link io.causalloop.trainer.loop.TrainerConfig} (the one
 * configuration type), {@link io.causalloop.trainer.loop.ReferencePolicy} (pretraining and
 * publishing version 0), {@link io.causalloop.trainer.loop.TrainingJob} (consume
 * {@code training-batches}, learn, publish checkpoints transactionally with the consumed offsets)
 * and its listeners and metrics.
 */
package io.causalloop.trainer.loop;
