from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'part_received_email_subject.txt.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_job_id = resolve('job_id')
    pass
    yield 'Job '
    yield str((undefined(name='job_id') if l_0_job_id is missing else l_0_job_id))
    yield ': your parts were received and approved\n'

blocks = {}
debug_info = '1=13'