import json, os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT / 'nbs'

@pytest.fixture(scope='session')
def kernel_env(tmp_path_factory):
    "Environment for papermill: this interpreter's kernel, never a stale user-level kernelspec."
    env = dict(os.environ)
    env['PATH'] = str(Path(sys.executable).parent) + os.pathsep + env.get('PATH', '')
    env['JUPYTER_DATA_DIR'] = str(tmp_path_factory.mktemp('jupyter'))
    subprocess.run([sys.executable, '-m', 'ipykernel', 'install', '--prefix', env['JUPYTER_DATA_DIR'] + '/prefix',
                    '--name', 'python3'], check=True, env=env, capture_output=True)
    env['JUPYTER_PATH'] = env['JUPYTER_DATA_DIR'] + '/prefix/share/jupyter'
    return env

def papermill_command(nb: str, out: Path, **params) -> list[str]:
    "The papermill command line that runs a notebook of nbs/ with parameters."
    args = [sys.executable, '-m', 'papermill', str(NBS / nb), str(out), '--cwd', str(NBS)]
    for k, v in params.items():  # lists, bools and None as YAML, so they arrive typed; the rest as strings
        args += ['-y', f'{k}: {json.dumps(v)}'] if isinstance(v, (list, tuple, bool, type(None))) else ['-p', k, str(v)]
    return args

def papermill(nb: str, out: Path, env: dict, **params) -> subprocess.CompletedProcess:
    "Run a notebook of nbs/ through papermill with parameters; returns the finished process."
    # a hang guard, not a speed test: far above any normal smoke run, so a busy machine does not fail it
    return subprocess.run(papermill_command(nb, out, **params), env=env, capture_output=True, text=True, timeout=3_600)
