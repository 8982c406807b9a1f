/**
 * The simplicity-bias experiment with masked-LM students ({@link org.spinformer.language.experiment.Simplicity})
 * and with next-token students ({@link org.spinformer.language.experiment.SimplicityGpt}), the factored-model
 * curriculum and the causal factored models' training.
 */
package org.spinformer.language.experiment;
