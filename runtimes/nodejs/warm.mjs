// SPDX-License-Identifier: Apache-2.0
// Empty on purpose: a stem cell requires it before it waits (index.cjs, awaitFunction), so that Node's ES-module
// loader is initialized ahead and the function's own ES module loads ~1.2 ms sooner.
