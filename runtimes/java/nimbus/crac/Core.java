// SPDX-License-Identifier: Apache-2.0
package nimbus.crac;

import java.util.ArrayList;
import java.util.List;

/**
 * The runtime's side of CRaC for SnapStart (docs/java.md#snapstart). The JVM has no jdk.crac, so the open-source
 * org.crac library a function bundles would drop every registration; as AWS's java runtimes do, the JVM is started
 * with {@code -Dorg.crac.Core.Compat=nimbus.crac}, and org.crac then loads this package's Core, Context, Resource,
 * CheckpointException and RestoreException by name (through the function's class loader, whose parent holds them)
 * and registers each of the function's resources here. The runtime notifies them: {@link #beforeCheckpoint()} once
 * init is over, last registered first; {@link #afterRestore()} when the environment is taken, in registration order
 * (the JDK's global context's order).
 */
public final class Core {
    private static final Global GLOBAL = new Global();

    private Core() {
    }

    /** org.crac's compatibility layer calls this by name. */
    public static Context<Resource> getGlobalContext() {
        return GLOBAL;
    }

    /**
     * org.crac's {@code Core.checkpointRestore()} ends here: a function cannot ask for a checkpoint on Lambda (the
     * platform takes it after init), so, as org.crac documents for a JVM without checkpoint/restore, it is refused.
     */
    public static void checkpointRestore() throws CheckpointException, RestoreException {
        throw new UnsupportedOperationException("SnapStart takes the snapshot after init; a function cannot request one");
    }

    /** Notifies every registered resource of the checkpoint; each one's failure is a suppressed exception of the one thrown. */
    public static void beforeCheckpoint() throws CheckpointException {
        GLOBAL.beforeCheckpoint(GLOBAL);
    }

    /** Notifies every registered resource of the restore. */
    public static void afterRestore() throws RestoreException {
        GLOBAL.afterRestore(GLOBAL);
    }

    private static final class Global extends Context<Resource> {
        private final List<Resource> resources = new ArrayList<>();

        @Override
        public synchronized void register(Resource resource) {
            if (resource == null) {
                throw new NullPointerException("resource");
            }
            resources.add(resource);
        }

        private synchronized List<Resource> snapshot() {
            return new ArrayList<>(resources);
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) throws CheckpointException {
            List<Resource> all = snapshot();
            CheckpointException failed = null;
            for (int i = all.size() - 1; i >= 0; i--) {
                try {
                    all.get(i).beforeCheckpoint(this);
                } catch (Exception e) {
                    if (failed == null) {
                        failed = new CheckpointException();
                    }
                    failed.addSuppressed(e);
                }
            }
            if (failed != null) {
                throw failed;
            }
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) throws RestoreException {
            RestoreException failed = null;
            for (Resource resource : snapshot()) {
                try {
                    resource.afterRestore(this);
                } catch (Exception e) {
                    if (failed == null) {
                        failed = new RestoreException();
                    }
                    failed.addSuppressed(e);
                }
            }
            if (failed != null) {
                throw failed;
            }
        }
    }
}
