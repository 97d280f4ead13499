from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'demotion_warning_email_subject.txt.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_tier = resolve('tier')
    l_0_score = resolve('score')
    pass
    yield 'Your '
    yield str((undefined(name='tier') if l_0_tier is missing else l_0_tier))
    yield ' tier is at risk: score '
    yield str(((undefined(name='score') if l_0_score is missing else l_0_score) or 'n/a'))
    yield '\n'

blocks = {}
debug_info = '1=14'