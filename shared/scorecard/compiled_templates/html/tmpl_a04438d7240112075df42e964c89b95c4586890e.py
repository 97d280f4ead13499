from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'snapshot_email_subject.txt.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_month_name = resolve('month_name')
    l_0_grade = resolve('grade')
    l_0_wording = missing
    pass
    l_0_wording = context.vars['wording'] = environment.get_template('snapshot_wording.j2', 'snapshot_email_subject.txt.j2')._get_default_module(context)
    context.exported_vars.discard('wording')
    yield escape(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'subject'), (undefined(name='month_name') if l_0_month_name is missing else l_0_month_name), (undefined(name='grade') if l_0_grade is missing else l_0_grade)))
    yield '\n'

blocks = {}
debug_info = '1=14&2=16'