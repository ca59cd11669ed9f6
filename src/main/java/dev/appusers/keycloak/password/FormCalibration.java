package dev.appusers.keycloak.password;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the components of one server with the same configured hash form ({@link HashingScheme#form()}) share for
 * their stand-ins ({@link UnknownUserCost}): the latest time a verification in that form took, and one hash of a
 * random secret no one knows. A component created or saved while another of the same form verified within the last
 * half minute starts from that time instead of computing a throw-away verification, and new rows of every such
 * component share the one unusable hash: an admin's Save costs no hash of 100 MiB.
 */
final class FormCalibration {

    /** The server's: every component of this class loader. */
    static final FormCalibration SERVER = new FormCalibration();

    /** One verification's time in a form, and when it ended (on the clock of the component that recorded it). */
    record Sample(long nanos, long at) {
    }

    private final Map<String, Sample> latest = new ConcurrentHashMap<>();
    private final Map<String, String> unusable = new ConcurrentHashMap<>();

    void record(String form, long nanos, long at) {
        latest.put(form, new Sample(nanos, at));
    }

    /** @return the latest verification time of {@code form}, if it ended less than {@code maxAgeNanos} before now */
    Sample recent(String form, long now, long maxAgeNanos) {
        Sample sample = latest.get(form);
        return sample != null && now - sample.at() < maxAgeNanos ? sample : null;
    }

    /** The one unusable hash of {@code form}, computed by {@code hash} the first time it is asked for. */
    String unusableHash(String form, Supplier<String> hash) {
        String known = unusable.get(form);
        if (known != null) {
            return known;
        }
        String made = hash.get();
        String raced = unusable.putIfAbsent(form, made);
        return raced == null ? made : raced;
    }
}
