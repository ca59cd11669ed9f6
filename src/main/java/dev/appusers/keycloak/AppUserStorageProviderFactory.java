package dev.appusers.keycloak;

import java.sql.Timestamp;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderFactory;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.user.ImportSynchronization;
import org.keycloak.storage.user.SynchronizationResult;

import dev.appusers.keycloak.changes.ChangeFeeds;
import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.config.ConfigKeys;
import dev.appusers.keycloak.config.ConfigProperties;
import dev.appusers.keycloak.config.InvalidConfigException;
import dev.appusers.keycloak.config.RolesConfig;
import dev.appusers.keycloak.jdbc.AppDataSource;
import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.DriverLogging;
import dev.appusers.keycloak.jdbc.ReadinessWiring;
import dev.appusers.keycloak.jdbc.StoreUnavailable;
import dev.appusers.keycloak.jdbc.TransactionWiring;
import dev.appusers.keycloak.jdbc.AppRole;
import dev.appusers.keycloak.roles.KeycloakRoles;
import dev.appusers.keycloak.jdbc.SchemaException;
import dev.appusers.keycloak.metrics.AppUsersMeters;
import dev.appusers.keycloak.password.PasswordSchemes;
import dev.appusers.keycloak.store.AppUserStore;
import dev.appusers.keycloak.store.ComponentMapping;
import dev.appusers.keycloak.sync.AppUserSync;
import dev.appusers.keycloak.sync.SyncTimeUpdate;

/**
 * Registers the {@code app-users} user federation provider: its admin form, the check of a configuration against the
 * live app database when it is saved, and one provider per Keycloak session.
 */
public final class AppUserStorageProviderFactory implements UserStorageProviderFactory<AppUserStorageProvider>,
        ImportSynchronization {

    public static final String PROVIDER_ID = ConfigKeys.PROVIDER_ID;

    private static final Logger LOG = Logger.getLogger(AppUserStorageProviderFactory.class);

    private final ComponentMappings mappings = new ComponentMappings();
    private final AppPasswords passwords = new AppPasswords(PasswordSchemes.defaults());
    private final ChangeFeeds feeds = new ChangeFeeds(PROVIDER_ID);
    private final ReadinessWiring readiness = new ReadinessWiring();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope config) {
        DriverLogging.quietServerErrorEcho();
        if (!config.getBoolean("metrics-enabled", true)) {
            AppUsersMeters.server().switchOff();
        }
    }

    @Override
    public String getHelpText() {
        return "Users, passwords and roles read live from the app's own user, role and user_role tables "
                + "(Litestar-Users layout by default) through the appdb datasource.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return ConfigProperties.all();
    }

    @Override
    public AppUserStorageProvider create(KeycloakSession session, ComponentModel model) {
        feeds.watchLater(model);
        return new AppUserStorageProvider(session, model, mappings, passwords);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        feeds.startWith(factory);
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                try {
                    KeycloakModelUtils.runJobInTransaction(factory, this::checkReadiness);
                } catch (RuntimeException e) {
                    LOG.warnf("The readiness wiring of the app datasources was not checked at start: %s", e.getMessage());
                }
            }
        });
    }

    /** At start: one WARN for each datasource of this node's components that Keycloak's readiness would follow. */
    private void checkReadiness(KeycloakSession session) {
        LOG.debugf("Readiness wiring of this Keycloak: %s", ReadinessWiring.running());
        session.realms().getRealmsStream()
                .flatMap(realm -> realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName()))
                .filter(component -> PROVIDER_ID.equals(component.getProviderId()))
                .map(AppUsersConfig::datasourceOf).distinct()
                .forEach(readiness::check);
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
            throws ComponentValidationException {
        if (SyncTimeUpdate.is(model.getId() == null ? null : realm.getComponent(model.getId()), model)) {
            LOG.debugf("%s: only its sync time changed, nothing to check", model.getName());
            return;
        }
        defaultToLiveFederation(model);
        AppUsersConfig config;
        try {
            config = AppUsersConfig.from(model);
        } catch (InvalidConfigException e) {
            throw invalid(e.getMessage());
        }
        checkImportSettings(new UserStorageProviderModel(model), config);
        config.roles().flatMap(RolesConfig::clientId).ifPresent(clientId -> {
            if (realm.getClientByClientId(clientId) == null) {
                throw invalid(ConfigKeys.ROLE_CLIENT_ID + ": client " + clientId + " not found in realm "
                        + realm.getName() + "; create the client first or leave the setting empty for realm roles");
            }
        });
        if (AppDataSource.named(config.datasource()).isEmpty()) {
            throw invalid(AppDatabase.missingDatasource(config.datasource()));
        }
        Optional<String> problem;
        String hashUpgrades;
        try {
            ComponentMapping mapping = ComponentMappings.resolveChecked(session, config);
            hashUpgrades = HashUpgrades.status(mapping, new AppDatabase(session, config.datasource()));
            if (config.writable() && config.write().syncRegistrations()) {
                mapping.userTable().checkInsertable();
            }
            problem = config.writable() ? TransactionWiring.problemForWrites(session, config.datasource())
                    : Optional.empty();
        } catch (SchemaException e) {
            throw invalid(e.getMessage());
        } catch (RuntimeException e) {
            throw invalid(StoreUnavailable.is(e) ? e.getMessage()
                    : "The app database could not be read: " + e.getMessage());
        }
        if (problem.isPresent()) {
            throw invalid(problem.get());
        }
        model.getConfig().putSingle(ConfigKeys.CHANGE_FEED, ChangeFeeds.status(session, model, config));
        model.getConfig().putSingle(ConfigKeys.READINESS, readiness.check(config.datasource()).text());
        model.getConfig().putSingle(ConfigKeys.HASH_UPGRADES, hashUpgrades);
        LOG.debugf("Configuration of %s checked against the app database: %s", model.getName(), config);
    }

    /**
     * Live federation stays the default: an absent {@code importEnabled} (which the SPI would read as true) is stored
     * as false; an explicit true imports users (and enables the syncs).
     */
    private static void defaultToLiveFederation(ComponentModel model) {
        String importEnabled = model.getConfig().getFirst(ConfigKeys.IMPORT_ENABLED);
        if (importEnabled == null || importEnabled.isBlank()) {
            model.getConfig().putSingle(ConfigKeys.IMPORT_ENABLED, "false");
        }
    }

    /** Import mode takes either edit mode; WRITABLE gets the same write checks as live federation (below). */
    private static void checkImportSettings(UserStorageProviderModel model, AppUsersConfig config) {
        if (!model.isImportEnabled()) {
            return;
        }
        if (model.getChangedSyncPeriod() > 0 && config.lastModifiedColumn().isEmpty()) {
            throw invalid("Periodic changed users sync needs " + ConfigKeys.LAST_MODIFIED_COLUMN + " (a timestamp "
                    + "the app sets on every change, e.g. updated_at); set it, or use the periodic full sync only");
        }
    }

    @Override
    public SynchronizationResult sync(KeycloakSessionFactory factory, String realmId, UserStorageProviderModel model) {
        if (!model.isImportEnabled()) {
            LOG.warnf("Sync of %s ignored: it federates live (importEnabled false), there is nothing to import",
                    model.getName());
            return SynchronizationResult.ignored();
        }
        declareProfile(factory, realmId, model);
        return new AppUserSync(factory, realmId, model.getId(), model.getName(),
                session -> AppUserStore.of(session, model.getId(), mappings.get(session, model))).run(null);
    }

    /**
     * Before users are imported: what they need in the realm's user profile once unlinked (the migration's step 2,
     * docs/migration.md).
     */
    private void declareProfile(KeycloakSessionFactory factory, String realmId, UserStorageProviderModel model) {
        UserProfileDeclarations.declareForImport(factory, realmId, model,
                session -> mappings.get(session, model).mapped());
    }

    @Override
    public SynchronizationResult syncSince(Date lastSync, KeycloakSessionFactory factory, String realmId,
                                           UserStorageProviderModel model) {
        if (model.isImportEnabled() && model.getConfig().getFirst(ConfigKeys.LAST_MODIFIED_COLUMN) == null) {
            LOG.warnf("Changed users sync of %s ignored: it needs %s (a timestamp the app sets on every change, "
                    + "e.g. updated_at); only 'Sync all users' is offered without it", model.getName(),
                    ConfigKeys.LAST_MODIFIED_COLUMN);
            return SynchronizationResult.ignored();
        }
        if (!model.isImportEnabled() || lastSync == null) {
            return sync(factory, realmId, model);
        }
        declareProfile(factory, realmId, model);
        return new AppUserSync(factory, realmId, model.getId(), model.getName(),
                session -> AppUserStore.of(session, model.getId(), mappings.get(session, model)))
                .run(new Timestamp(lastSync.getTime()));
    }

    /**
     * Keycloak formats validation messages with {@link java.text.MessageFormat}: quotes and braces in a message (an
     * admin's typed value, say) must be escaped to reach the admin as written.
     */
    private static ComponentValidationException invalid(String message) {
        return new ComponentValidationException(message.replace("'", "''").replace("{", "'{'"));
    }

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        feeds.watch(session, model);
        synchroniseRoles(session, realm, model);
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        if (SyncTimeUpdate.is(oldModel, newModel)) {
            return;
        }
        mappings.forget(newModel.getId());
        feeds.saved(session, newModel); // a change table installed since is looked for at once

        synchroniseRoles(session, realm, newModel);
    }

    /** Creates the Keycloak roles for the app's roles when the component is saved, so admins see them at once. */
    private void synchroniseRoles(KeycloakSession session, RealmModel realm, ComponentModel model) {
        ComponentMapping mapping = mappings.get(session, model);
        mapping.config().roles().ifPresent(config -> {
            List<AppRole> roles = new AppDatabase(session, mapping.config().datasource()).run("reading the app's roles",
                    connection -> mapping.roles().orElseThrow().all(connection));
            KeycloakRoles.of(realm, config, model.getId()).synchronise(roles);
            LOG.debugf("Synchronised %d app roles of %s", roles.size(), model.getName());
        });
    }

    @Override
    public void close() {
        feeds.stop();
    }

    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        mappings.forget(model.getId());
        feeds.forget(model.getId());
        AppUsersMeters.server().remove(model.getId());
    }
}
