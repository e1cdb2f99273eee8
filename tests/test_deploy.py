"""The deployment files: generated settings example, Kubernetes, compose, Dockerfile, systemd."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.fernet import Fernet

from bot.config import load_settings
from bot.env_example import render, settings_variables

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _kubernetes() -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        for doc in _docs(path):
            assert {"apiVersion", "kind"} <= doc.keys(), path.name
            if doc["kind"] != "Kustomization":
                assert doc["metadata"]["name"], path.name
            docs[doc["kind"]] = doc
    return docs


def test_env_example_is_generated_from_the_settings_model() -> None:
    committed = (DEPLOY / "env.example").read_text()
    assert committed == render(), "regenerate: jaarrond config example > deploy/env.example"


def test_env_example_names_every_setting_with_its_default() -> None:
    committed = (DEPLOY / "env.example").read_text()
    variables = settings_variables()
    assert {"JAARROND_DATABASE_URL", "SLACK_SIGNING_SECRET", "MicrosoftAppPassword"} <= set(
        variables
    )
    for name, default in variables.items():
        assert f"# {name}={default}\n" in committed
    # The defaults written there are what the settings model really uses.
    assert load_settings({}).port == int(variables["JAARROND_PORT"])


def test_config_example_command_prints_the_same(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "config", "example"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert result.stdout == render()


def test_kubernetes_deployment_runs_two_non_root_replicas_with_probes() -> None:
    docs = _kubernetes()
    assert {"Deployment", "Service", "ConfigMap", "Secret", "Kustomization"} <= docs.keys()
    deployment = docs["Deployment"]
    assert deployment["apiVersion"] == "apps/v1"
    spec = deployment["spec"]
    assert spec["replicas"] == 2
    pod = spec["template"]
    assert spec["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    security = pod["spec"]["securityContext"]
    assert security["runAsNonRoot"] is True and security["runAsUser"] != 0
    (container,) = pod["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    refs = {next(iter(ref)): ref[next(iter(ref))]["name"] for ref in container["envFrom"]}
    assert refs == {"configMapRef": "jaarrond", "secretRef": "jaarrond"}
    (migrate,) = pod["spec"]["initContainers"]
    assert migrate["args"] == ["db", "upgrade"]
    port = container["ports"][0]
    assert port["containerPort"] == int(docs["ConfigMap"]["data"]["JAARROND_PORT"])
    service = docs["Service"]
    assert service["spec"]["selector"] == spec["selector"]["matchLabels"]
    assert service["spec"]["ports"][0]["targetPort"] == port["name"]
    # The grace period is longer than the bot's own bounded stop.
    grace = pod["spec"]["terminationGracePeriodSeconds"]
    assert grace > float(docs["ConfigMap"]["data"]["JAARROND_SHUTDOWN_SECONDS"])
    listed = docs["Kustomization"]["resources"]
    assert all((DEPLOY / "kubernetes" / name).is_file() for name in listed)


def test_kubernetes_configmap_holds_only_known_settings() -> None:
    data = _kubernetes()["ConfigMap"]["data"]
    assert set(data) <= set(settings_variables())
    assert all(isinstance(value, str) for value in data.values())
    # Valid as the bot reads them, with the data key that the Secret adds.
    secret = (DEPLOY / "kubernetes" / "secret.example.yaml").read_text(encoding="utf-8")
    assert "JAARROND_DATA_KEYS:" in secret
    load_settings({**data, "JAARROND_DATA_KEYS": Fernet.generate_key().decode("ascii")})


def test_compose_runs_the_bot_on_postgresql_after_migrating() -> None:
    (compose,) = _docs(DEPLOY / "docker-compose.yml")
    services = compose["services"]
    assert {"db", "migrate", "jaarrond"} <= services.keys()
    bot = services["jaarrond"]
    assert bot["command"] == ["run"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert bot["environment"]["JAARROND_DATABASE_URL"].startswith("postgresql://")
    assert bot["build"]["dockerfile"] == "deploy/Dockerfile"
    assert bot["env_file"][0]["path"] == ".env"
    assert "healthcheck" in services["db"]


def _compose_plugin_works() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    return subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _compose_plugin_works(), reason="the docker compose plugin is missing")
def test_docker_compose_config_accepts_the_file() -> None:
    subprocess.run(
        ["docker", "compose", "-f", str(DEPLOY / "docker-compose.yml"), "config", "--quiet"],
        check=True,
    )


def test_dockerfile_installs_the_project_itself_as_a_non_root_user() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    instructions = [line.split(None, 1) for line in text.splitlines() if re.match(r"^[A-Z]", line)]
    froms = [rest for op, rest in instructions if op == "FROM"]
    assert froms and all(base.startswith("python:3.11-slim") for base in froms)
    assert re.search(r"pip install \.(\s|$)", text), "installs the package from pyproject.toml"
    assert "requirements" not in text  # no second dependency list
    copied = " ".join(rest for op, rest in instructions if op == "COPY")
    assert "pyproject.toml" in copied
    users = [rest.strip() for op, rest in instructions if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    (healthcheck,) = [rest for op, rest in instructions if op == "HEALTHCHECK"]
    assert "/healthz" in text[text.index("HEALTHCHECK") :]
    assert healthcheck
    # The packages the image copies are the ones pyproject.toml declares.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for package in project["tool"]["setuptools"]["packages"]["find"]["include"]:
        assert f"COPY {package.rstrip('*')} " in text


def test_systemd_unit_migrates_then_runs_as_its_own_user() -> None:
    unit = (DEPLOY / "systemd" / "jaarrond.service").read_text()
    lines = dict(
        line.split("=", 1) for line in unit.splitlines() if "=" in line and line[0].isalpha()
    )
    assert lines["User"] == "jaarrond"
    assert lines["ExecStartPre"].endswith("jaarrond db upgrade")
    assert lines["ExecStart"].endswith("jaarrond run")
    assert lines["KillSignal"] == "SIGTERM"
    assert lines["EnvironmentFile"].startswith("/etc/jaarrond/")
