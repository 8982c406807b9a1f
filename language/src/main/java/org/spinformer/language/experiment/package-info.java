/** The simplicity-bias experiment and the factored-model curriculum. */
package org.spinformer.language.experiment;
