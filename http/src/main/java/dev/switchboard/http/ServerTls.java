package dev.switchboard.http;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * The API port's TLS, from {@code switchboard.http.tls}: the key store is opened once at start, so
 * a missing file or a wrong password stops the node before it binds, with one line naming the
 * setting (never the password). Only TLS 1.3 and 1.2 are offered.
 */
public final class ServerTls {
  /** Newest first; nothing older than TLS 1.2. */
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final SSLContext context;
  private final String[] protocols;

  private ServerTls(SSLContext context, String[] protocols) {
    this.context = context;
    this.protocols = protocols;
  }

  /**
   * Opens the key store.
   *
   * @throws ConfigException.BadValue naming the setting at fault
   */
  public static ServerTls open(HttpSettings.Tls tls) {
    KeyStore store = load(tls);
    try {
      if (Collections.list(store.aliases()).stream().noneMatch(alias -> isKey(store, alias))) {
        throw bad("key-store", tls.keyStore() + " holds no private key");
      }
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, tls.password().toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      String[] supported = context.getSupportedSSLParameters().getProtocols();
      String[] protocols =
          PROTOCOLS.stream().filter(Arrays.asList(supported)::contains).toArray(String[]::new);
      return new ServerTls(context, protocols);
    } catch (UnrecoverableKeyException e) {
      throw bad("key-store-password", "does not open the private key in " + tls.keyStore());
    } catch (GeneralSecurityException e) {
      throw bad("key-store", tls.keyStore() + " cannot serve TLS: " + e.getClass().getSimpleName());
    }
  }

  private static KeyStore load(HttpSettings.Tls tls) {
    KeyStore store;
    try {
      store = KeyStore.getInstance(tls.keyStoreType());
    } catch (KeyStoreException e) {
      throw bad(
          "key-store-type", "'" + tls.keyStoreType() + "' is not a key store type (PKCS12, JKS)");
    }
    try (InputStream in = Files.newInputStream(Path.of(tls.keyStore()))) {
      store.load(in, tls.password().toCharArray());
      return store;
    } catch (NoSuchFileException e) {
      throw bad("key-store", "no file at " + tls.keyStore());
    } catch (AccessDeniedException e) {
      throw bad("key-store", tls.keyStore() + " is not readable by this process");
    } catch (IOException e) {
      // The JDK reports a wrong password as an IOException caused by UnrecoverableKeyException.
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw bad("key-store-password", "does not open " + tls.keyStore());
      }
      throw bad(
          "key-store",
          tls.keyStore() + " cannot be read as a " + tls.keyStoreType() + " key store");
    } catch (GeneralSecurityException e) {
      throw bad(
          "key-store",
          tls.keyStore() + " cannot be read as a " + tls.keyStoreType() + " key store");
    }
  }

  private static boolean isKey(KeyStore store, String alias) {
    try {
      return store.isKeyEntry(alias);
    } catch (KeyStoreException e) {
      return false;
    }
  }

  private static ConfigException.BadValue bad(String key, String problem) {
    return new ConfigException.BadValue(HttpSettings.TLS + "." + key, problem);
  }

  /** What the server binds the API port with: a fresh engine per connection. */
  public HttpsConnectionContext connectionContext() {
    return ConnectionContext.httpsServer(
        () -> {
          SSLEngine engine = context.createSSLEngine();
          engine.setUseClientMode(false);
          engine.setEnabledProtocols(protocols);
          return engine;
        });
  }

  /** The protocols offered, for the log. */
  public List<String> protocols() {
    return List.of(protocols);
  }
}
