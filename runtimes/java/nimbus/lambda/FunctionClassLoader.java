// SPDX-License-Identifier: Apache-2.0
package nimbus.lambda;

import java.net.URL;
import java.net.URLClassLoader;
import java.security.CodeSource;
import java.security.PermissionCollection;
import java.security.Permissions;

/**
 * The function's class loader: a URLClassLoader over /var/task, its lib/*.jar and the layers' jars. The only
 * difference is the permissions of each code source's ProtectionDomain: URLClassLoader computes a FilePermission for
 * the code's own location, which opens a URLConnection and reads the JDK's java.security properties (~1-2 ms and 20
 * classes of a cold start); they would matter only under a SecurityManager, which the Lambda runtime never installs.
 */
final class FunctionClassLoader extends URLClassLoader {
    static {
        ClassLoader.registerAsParallelCapable();
    }

    FunctionClassLoader(URL[] urls, ClassLoader parent) {
        super(urls, parent);
    }

    @Override
    protected PermissionCollection getPermissions(CodeSource codesource) {
        return new Permissions();
    }
}
