/**
 * Verifying (and, for writable mode, writing) the password hashes of the application's Python side: bcrypt,
 * passlib bcrypt_sha256, argon2 (argon2-cffi / passlib), passlib pbkdf2_sha256/512 and SHA-crypt.
 *
 * <p>Entry point: {@link dev.appusers.keycloak.password.PasswordSchemes}. Nothing in this package logs or puts into
 * an exception message a password or a hash.
 */
package dev.appusers.keycloak.password;
