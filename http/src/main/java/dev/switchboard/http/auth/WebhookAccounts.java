package dev.switchboard.http.auth;

import com.typesafe.config.Config;
import dev.switchboard.engine.webhook.WebhookAccount;
import java.util.ArrayList;
import java.util.List;

/**
 * Each account's webhook target and secret, from where accounts are configured: {@code
 * switchboard.http.webhook-url} and {@code webhook-secret} for {@code default}, and the optional
 * {@code inbound-url} and {@code webhook-secret} of each {@code switchboard.http.accounts} entry.
 */
public final class WebhookAccounts {
  private WebhookAccounts() {}

  public static List<WebhookAccount> create(Config root) {
    Config http = root.getConfig("switchboard.http");
    List<WebhookAccount> accounts = new ArrayList<>();
    accounts.add(
        new WebhookAccount(
            ApiKeys.DEFAULT_ACCOUNT,
            http.getString("webhook-url"),
            http.getString("webhook-secret")));
    for (Config account : http.getConfigList("accounts")) {
      accounts.add(
          new WebhookAccount(
              account.getString("id"),
              optional(account, "inbound-url"),
              optional(account, "webhook-secret")));
    }
    return List.copyOf(accounts);
  }

  private static String optional(Config config, String key) {
    return config.hasPath(key) ? config.getString(key) : null;
  }
}
