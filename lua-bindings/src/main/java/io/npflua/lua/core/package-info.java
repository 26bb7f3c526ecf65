/**
 * The bottom of lua-bindings, used by every other package and using none: the per-call step budget
 * ({@link io.npflua.lua.core.InstructionBudget}) that the VM hook and the libraries charge, and the interface of the
 * project's modules ({@link io.npflua.lua.core.ModuleLoader}).
 */
package io.npflua.lua.core;
