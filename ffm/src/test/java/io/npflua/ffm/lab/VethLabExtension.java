package io.npflua.ffm.lab;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test method that declares a {@link VethLab} parameter a fresh lab, and removes it after the test,
 * whether it passed or failed. Registered by {@link LiveTest}.
 */
public final class VethLabExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(VethLabExtension.class);

    @Override
    public boolean supportsParameter(final ParameterContext parameterContext, final ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == VethLab.class;
    }

    @Override
    public Object resolveParameter(final ParameterContext parameterContext, final ExtensionContext extensionContext) {
        final VethLab lab = VethLab.create();
        extensionContext.getStore(NAMESPACE).put(extensionContext.getUniqueId(), lab);
        return lab;
    }

    @Override
    public void afterEach(final ExtensionContext context) {
        final VethLab lab = context.getStore(NAMESPACE).remove(context.getUniqueId(), VethLab.class);
        if (lab != null) {
            lab.close();
        }
    }
}
