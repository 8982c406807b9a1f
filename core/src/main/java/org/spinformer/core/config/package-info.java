/** Typed run configurations: named, validated copies of config records and their one JSON form. */
package org.spinformer.core.config;
