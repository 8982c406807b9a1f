/** Variational wave functions: the ViT (factored attention, log cosh head), a Jastrow baseline, Marshall sign. */
package org.spinformer.nqs.model;
