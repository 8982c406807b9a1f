/**
 * The engine layer: the only package that calls DJL's PyTorch JNI directly ({@code ai.djl.pytorch.jni}). Grad-mode
 * scopes ({@link org.spinformer.core.engine.NoGrad}) and the fused PyTorch kernels the blocks use
 * ({@link org.spinformer.core.engine.Torch}) live here, so a DJL upgrade touches one package; an architecture test
 * ({@code ArchitectureTest}) keeps every other package off the JNI classes.
 */
package org.spinformer.core.engine;
