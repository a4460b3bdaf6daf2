/** The trainer's process entry point: {@link io.causalloop.trainer.app.TrainerApp}. */
package io.causalloop.trainer.app;
