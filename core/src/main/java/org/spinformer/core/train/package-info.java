/**
 * Training utilities shared by every pipeline: optimizers over {@link org.spinformer.core.nn.Parameters}
 * ({@link org.spinformer.core.train.Sgd} with momentum, {@link org.spinformer.core.train.AdamW}), learning-rate
 * {@link org.spinformer.core.train.Schedule}s, global-norm {@link org.spinformer.core.train.GradClip clipping},
 * the per-step sub-manager pattern ({@link org.spinformer.core.train.TrainLoop}), a JSON-lines
 * {@link org.spinformer.core.train.MetricsLog}, a {@link org.spinformer.core.train.Progress} reporter, a seeded
 * random stream whose state a checkpoint can save ({@link org.spinformer.core.train.Rng}) and a small demo task
 * ({@link org.spinformer.core.train.ToyTask}).
 *
 * <p>Memory rule: one training step = one {@code NDManager} sub-manager plus one {@code NDScope}; everything the
 * step allocates (inputs, activations, gradients, optimizer temporaries) is closed when the step ends, and only
 * parameters and optimizer state live in long-lived managers.
 */
package org.spinformer.core.train;
