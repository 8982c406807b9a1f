/**
 * Transformer building blocks: pure static functions on {@code NDArray} (the maths, {@link
 * org.spinformer.core.nn.Functional}, {@link org.spinformer.core.nn.Attention}, {@link
 * org.spinformer.core.nn.FactoredAttention}) and thin blocks that hold named parameters in a shared {@link
 * org.spinformer.core.nn.Parameters} map (Hugging Face names, so checkpoints map by name). Every block runs in
 * float32 or float64. Shapes use B batch, T tokens, D model width, H heads, N sites, M samples, P params.
 *
 * <p>GELU (erf form), LayerNorm (with γ and β) and the embedding lookup call PyTorch's fused kernels; the other
 * functions compose elementary ops. Intermediates are owned by the input's manager, never by a parameter's,
 * so a per-step sub-manager frees them.
 *
 * <p>Blocks read their parameters from a {@link org.spinformer.core.nn.Weights} source: their own {@code Parameters}
 * by default, or shared, per-sample ([B]+s, weight replication) or tapped arrays (the NQS ViT's Jacobian).
 */
package org.spinformer.core.nn;
