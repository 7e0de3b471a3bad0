// SPDX-License-Identifier: Apache-2.0
package nimbus.crac;

/**
 * A checkpoint/restore participant as the org.crac library's compatibility layer expects to find it (its
 * {@code <package>.Resource}): org.crac wraps each of the function's {@code org.crac.Resource}s in a proxy of this
 * interface and registers it with {@link Core#getGlobalContext()}.
 */
public interface Resource {
    void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

    void afterRestore(Context<? extends Resource> context) throws Exception;
}
