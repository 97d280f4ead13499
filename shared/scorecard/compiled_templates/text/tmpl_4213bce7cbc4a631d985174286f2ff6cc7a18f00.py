from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'review_resolved_email_subject.txt.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_decision = resolve('decision')
    l_0_score_before = resolve('score_before')
    l_0_score_after = resolve('score_after')
    pass
    yield 'Your score review: '
    yield str(('score adjusted' if ((undefined(name='decision') if l_0_decision is missing else l_0_decision) == 'adjusted') else 'score upheld'))
    yield ' ('
    yield str((undefined(name='score_before') if l_0_score_before is missing else l_0_score_before))
    yield ' → '
    yield str((undefined(name='score_after') if l_0_score_after is missing else l_0_score_after))
    yield ')\n'

blocks = {}
debug_info = '1=15'