package org.spinformer.core.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test run once for each floating dtype the nn blocks compute in, float32 and float64: its one parameter is the
 * {@link ai.djl.ndarray.types.DataType} (tolerance {@link ManagedNnTest#tol}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest
@EnumSource(value = ai.djl.ndarray.types.DataType.class, names = {"FLOAT32", "FLOAT64"})
@interface EachFloatType {}
