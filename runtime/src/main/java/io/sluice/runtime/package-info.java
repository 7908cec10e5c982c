/** Models and their execution, without a network: repository, tensors, sessions, scheduling. */
package io.sluice.runtime;
