"""JupyterHub for casuslab: one VM, local accounts, nbgrader's filesystem exchange.

deploy/setup.sh copies this file into the installation's config folder (default
/etc/casuslab) beside hub.json, which holds the settings. Nothing in here needs
editing: change the settings by running setup.sh again (see docs/deploy.md).

Two ways to grade, per course (hub.json "courses"):
- mode "lecturer" (variant A): formgrader runs in the lecturer's own server; it is
  switched off for everyone at environment level and on in that lecturer's ~/.jupyter.
- mode "service": several graders share one formgrader, a hub service named after
  the course and run by the account grader-<course>; only members of the hub group
  formgrade-<course> may open it.
"""

import grp
import json
import os
import pwd

c = get_config()  # noqa: F821

HERE = os.path.dirname(os.path.abspath(__file__))
SETTINGS = os.environ.get("CASUSLAB_HUB_SETTINGS") or os.path.join(HERE, "hub.json")
with open(SETTINGS) as _fh:
    S = json.load(_fh)
BIN = os.path.join(S["prefix"], "bin")
STATE = S["state_dir"]
PATH = f"{BIN}:/usr/local/bin:/usr/bin:/bin"

# -- network: the hub on bind_url (a TLS reverse proxy in front), the rest on loopback --
c.JupyterHub.bind_url = S["bind_url"]
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{S['hub_port']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{S['proxy_port']}"
c.ConfigurableHTTPProxy.command = [os.path.join(BIN, "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True
# A start request returns at once (202), so many servers start in parallel (a tornado
# setting: there is no JupyterHub.slow_spawn_timeout trait).
c.JupyterHub.tornado_settings = {"slow_spawn_timeout": 0}

# -- one UNIX account per person: nbgrader takes a student's name from it ------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [os.path.join(BIN, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.Spawner.environment = {"PATH": PATH, "CASUSLAB_HUB_SETTINGS": SETTINGS}


def private_home(spawner):
    """Refuse to start a server in a home that others could read (pitfall 1)."""
    name = spawner.user.name
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise RuntimeError(f"{name} has no local account on this machine") from None
    st = os.stat(entry.pw_dir)
    if st.st_uid != entry.pw_uid:
        raise RuntimeError(f"the home of {name} is not owned by {name}; not starting")
    if st.st_mode & 0o077:
        os.chmod(entry.pw_dir, 0o700)
        spawner.log.warning("home of %s was mode %o; made it 0700", name, st.st_mode & 0o777)


c.Spawner.pre_spawn_hook = private_home


# -- who may log in: members of the casuslab group -----------------------------
def in_group(name):
    try:
        entry = pwd.getpwnam(name)
        group = grp.getgrnam(S["group"])
    except KeyError:
        return False
    return entry.pw_uid != 0 and (name in group.gr_mem or entry.pw_gid == group.gr_gid)


if S["authenticator"] == "dummy":
    # One shared password: for tests and the local demo only, never in production.
    from jupyterhub.auth import DummyAuthenticator

    class CasuslabTestAuthenticator(DummyAuthenticator):
        def check_allow_config(self):
            pass

        def check_allowed(self, username, authentication=None):
            return in_group(username)

    with open(os.path.join(HERE, "dummy-password")) as _fh:
        _password = _fh.read().strip()
    c.JupyterHub.authenticator_class = CasuslabTestAuthenticator
    c.CasuslabTestAuthenticator.password = _password
    c.Authenticator.allow_all = False
else:
    # PAM against the machine's accounts; swap in LTI 1.3, OAuth/OIDC or LDAP (docs/deploy.md).
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.allowed_groups = {S["group"]}
c.Authenticator.admin_users = set()

# -- groups, roles and services -------------------------------------------------
groups = {"lecturers": []}
roles = []
services = [{
    "name": "idle-culler",
    "command": [os.path.join(BIN, "python"), "-m", "jupyterhub_idle_culler",
                f"--timeout={S['idle_timeout']}", "--cull-every=300"],
}]
roles.append({"name": "idle-culler", "services": ["idle-culler"],
              "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]})

for course in S["courses"]:
    cid = course["id"]
    groups[f"formgrade-{cid}"] = sorted(set(course["graders"]) | {course["owner"]})
    groups[f"nbgrader-{cid}"] = []
    if course["mode"] == "lecturer":
        groups["lecturers"] = sorted(set(groups["lecturers"]) | {course["owner"]})
        continue
    home = pwd.getpwnam(course["owner"]).pw_dir
    services.append({
        "name": cid,
        "url": f"http://127.0.0.1:{course['service_port']}",
        "command": [os.path.join(BIN, "jupyterhub-singleuser")],
        "user": course["owner"],
        "cwd": home,
        "environment": {"PATH": PATH, "CASUSLAB_HUB_SETTINGS": SETTINGS,
                        "JUPYTERHUB_DEFAULT_URL": "/formgrader"},
        "oauth_no_confirm": True,
    })
    roles.append({"name": f"formgrade-{cid}", "groups": [f"formgrade-{cid}"],
                  "scopes": [f"access:services!service={cid}", "list:services", "read:services"]})

# A test harness (casuslab hub, tests/hub, benchmarks) may pass its own admin token.
_harness_token = os.environ.get("CASUSLAB_HUB_ADMIN_TOKEN")
if _harness_token:
    services.append({"name": "casuslab-harness", "api_token": _harness_token})
    roles.append({"name": "casuslab-harness", "services": ["casuslab-harness"],
                  "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users",
                             "access:servers", "read:groups", "list:services", "read:services"]})

c.JupyterHub.load_groups = groups
c.JupyterHub.load_roles = roles
c.JupyterHub.services = services

# Site settings that setup.sh never overwrites (the real authenticator, TLS, ...): docs/deploy.md.
_local = os.path.join(HERE, "jupyterhub_config.local.py")
if os.path.exists(_local):
    load_subconfig(_local)  # noqa: F821
