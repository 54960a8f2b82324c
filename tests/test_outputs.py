"The comparison behind the committed outputs (tests/outputs.py) on hand-made cells: what it ignores and what it catches."
from outputs import committable, normalize, shown, stale_cells, write_outputs

def code(id, *outputs): return {'cell_type': 'code', 'id': id, 'source': '', 'metadata': {}, 'execution_count': 3, 'outputs': list(outputs)}
def text(s, name='stdout'): return {'output_type': 'stream', 'name': name, 'text': s}
def result(**data): return {'output_type': 'execute_result', 'execution_count': 7, 'metadata': {'x': 1}, 'data': data}

def test_numbers_paths_and_progress_are_ignored():
    a = code('a', text('accuracy 0.4312 after 12.5 s in /tmp/tmpab12cd/run\n'), text('50%|#####  | 1/2\r', 'stderr'),
             result(**{'text/plain': '<Figure size 700x450 with 1 Axes>', 'image/png': 'AAAA'}))
    b = code('a', text('accuracy 0.5 after 3 s in /tmp/tmpzz9/run\n'), result(**{'text/plain': '<Figure size 640x480 with 2 Axes>', 'image/png': 'BBBB'}))
    assert shown(a) == shown(b) == ['accuracy 0 after 0 s in <tmp>', '<Figure size 0x0 with 0 Axes>']
    assert normalize('   ') == ''
    assert normalize('<pandas.io.formats.style.Styler object at 0x7f3a2c1d>') == normalize('<pandas.io.formats.style.Styler at 0x7f3>') == normalize('<pandas.io.formats.style.Styler>')  # nbdev_clean's form

def test_other_text_is_stale():
    committed = {'cells': [code('a', text('easiest 0.5\n')), code('b', text('x\n')), {'cell_type': 'markdown', 'id': 'm', 'source': ''}]}
    executed = {'cells': [code('a', text('hardest 0.5\n')), code('b', text('x\n'))]}
    assert stale_cells(committed, executed) == [0]
    assert stale_cells(committed, {'cells': [code('b', text('x\n'))]}) == []  # a cell the quick run left out (`#| slow`) is not compared

def test_written_outputs_are_clean():
    widget = result(**{'application/vnd.jupyter.widget-view+json': {'model_id': 'f'}})
    nb = write_outputs({'cells': [code('a'), code('slow', text('old\n'))]},
                       {'cells': [code('a', text('x\n'), text('warning\n', 'stderr'), widget, result(**{'text/plain': '1'}))]})
    assert nb['cells'][0]['outputs'] == [text('x\n'), {'output_type': 'execute_result', 'execution_count': None, 'metadata': {}, 'data': {'text/plain': '1'}}]
    assert nb['cells'][0]['execution_count'] is None and nb['cells'][1]['outputs'] == []
    assert committable([widget]) == []

def test_a_figure_run_keeps_what_it_ran_not_where():
    "A figure notebook takes a papermill run's outputs and parameters, without the machine's paths; a second run replaces them."
    from outputs import with_run
    params = {**code('p'), 'metadata': {'tags': ['parameters']}, 'source': "preset = 'paper'"}
    injected = lambda preset: {**code('i'), 'metadata': {'tags': ['injected-parameters']},
                               'source': f'# Parameters\ndataset = "cifar10"\npreset = "{preset}"\nout_dir = "/home/me/out"\nstore_dir = "/tmp/s"\n'}
    notebook = {'cells': [params, code('f')]}
    once = with_run(notebook, {'cells': [params, injected('cpu'), code('f', text('cpu run\n'))]})
    assert [c['id'] for c in once['cells']] == ['p', 'i', 'f'] and once['cells'][2]['outputs'] == [text('cpu run\n')]
    assert once['cells'][1]['source'].splitlines()[1:] == ['dataset = "cifar10"', 'preset = "cpu"']
    twice = with_run(once, {'cells': [params, injected('smoke'), code('f', text('smoke run\n'))]})
    assert [c['id'] for c in twice['cells']] == ['p', 'i', 'f'] and 'smoke' in twice['cells'][1]['source']
