/** Clone corpora sampled by single-site heat-bath or Metropolis moves with a model's masked conditional. */
package org.spinformer.language.clones;
