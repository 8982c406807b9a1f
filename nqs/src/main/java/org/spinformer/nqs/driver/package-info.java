/** The VMC driver (SR or Adam), Monte Carlo statistics, logging, checkpoints and plots. */
package org.spinformer.nqs.driver;
