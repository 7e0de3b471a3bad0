// SPDX-License-Identifier: Apache-2.0
package nimbus.crac;

/** A {@link Resource} others register with (org.crac looks up {@code register(Resource)} on this class by name). */
public abstract class Context<R extends Resource> implements Resource {
    protected Context() {
    }

    public abstract void register(R resource);
}
