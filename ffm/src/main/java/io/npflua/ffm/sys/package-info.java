/**
 * Downcalls into the C library ({@link io.npflua.ffm.sys.Syscalls}) with errno captured on every call, and the one
 * place that turns a failed call into an exception with advice ({@link io.npflua.ffm.sys.Errno#exception}).
 */
package io.npflua.ffm.sys;
