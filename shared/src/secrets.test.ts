import { describe, expect, it } from "vitest";
import { isSecretName, maskSecretFields, maskSecretText, SECRET_MASK } from "./secrets";

describe("the one secret rule", () => {
  it("covers OpenWrt's secret options of wireless, network and ddns", () => {
    const secret = ["key", "key1", "key2", "key3", "key4", "sae_password", "password", "auth_secret", "acct_secret", "dae_secret", "priv_key_pwd", "priv_key2_pwd", "psk", "wpa_psk", "private_key", "preshared_key", "r0kh", "r1kh", "ppsk_secret", "pincode", "updatekey", "xauth_password", "token_secret", "KEY1", "radius_secret", "ca_cert_pwd"];
    expect(secret.filter((n) => !isSecretName(n))).toEqual([]);
    const plain = ["ssid", "encryption", "key_mgmt", "public_key", "keyidx", "mobility_domain", "ieee80211r", "network", "endpoint_host", "allowed_ips", "username", "keys", "monkey", "wpa_psk_file"];
    expect(plain.filter((n) => isSecretName(n))).toEqual([]);
  });

  it("masks secret values in uci command lines, UCI file text and quoted JSON, nothing else", () => {
    expect(maskSecretText("uci set wireless.default_radio0.key1=Abc123 failed: exit 1")).toBe("uci set wireless.default_radio0.key1=******** failed: exit 1");
    expect(maskSecretText("set wireless.@wifi-iface[0].sae_password='it''s s3cret' ; set wireless.ap.ssid='Home'")).toBe("set wireless.@wifi-iface[0].sae_password=******** ; set wireless.ap.ssid='Home'");
    expect(maskSecretText("wireless.ap.key='it'\\''s s3cret' wireless.ap.ssid=x")).toBe("wireless.ap.key=******** wireless.ap.ssid=x");
    expect(maskSecretText("uci batch failed: set wireless.ap.key1='cut short by the 300 char lim")).toBe("uci batch failed: set wireless.ap.key1=********");
    expect(maskSecretText("option key 'cut short")).toBe(`option key '${SECRET_MASK}'`);
    expect(maskSecretText('network.wg0.private_key="AAAA+/=" network.peer1.public_key=BBBB')).toBe("network.wg0.private_key=******** network.peer1.public_key=BBBB");
    expect(maskSecretText("-\toption key 'old-key'\n+\toption key 'new-key'\n \toption ssid 'Home'")).toBe(`-\toption key '${SECRET_MASK}'\n+\toption key '${SECRET_MASK}'\n \toption ssid 'Home'`);
    expect(maskSecretText("\tlist r0kh '02:00:00:00:00:01,a1b2,000102030405060708090a0b0c0d0e0f'")).toBe(`\tlist r0kh '${SECRET_MASK}'`);
    expect(maskSecretText('body {"dae_secret":"x y z","ssid":"Home"}')).toBe(`body {"dae_secret":"${SECRET_MASK}","ssid":"Home"}`);
    expect(maskSecretText("plain text with key words: key=value is not uci")).toBe("plain text with key words: key=value is not uci");
  });

  it("masks secret-named fields at any depth and secret text in every string", () => {
    const v = { params: { ssid: "Home", key1: "k1", nested: [{ preshared_key: "psk" }] }, reason: "uci set wireless.ap.key=zzz", n: 3, empty: { password: "" } };
    expect(maskSecretFields(v)).toEqual({ params: { ssid: "Home", key1: SECRET_MASK, nested: [{ preshared_key: SECRET_MASK }] }, reason: `uci set wireless.ap.key=${SECRET_MASK}`, n: 3, empty: { password: "" } });
    expect(v.params.key1).toBe("k1");
  });
});
