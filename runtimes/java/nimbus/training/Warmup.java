// SPDX-License-Identifier: Apache-2.0
package nimbus.training;

import java.util.Map;

/**
 * The handler of the training start that records the runtime client's class-data-sharing archive (see
 * src/Nimbus.Execution/Runtimes/JavaClassArchive.cs): loaded from a task root of its own, as a function's handler is,
 * and never shipped in the client's jar, so no function's class is ever in the archive.
 */
public final class Warmup {
    private Warmup() {
    }

    public static Map<String, Object> handle(Map<String, Object> event) {
        return event;
    }
}
