from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'review_resolved_email.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_subject = resolve('subject')
    l_0_product = resolve('product')
    l_0_decision = resolve('decision')
    l_0_partner_name = resolve('partner_name')
    l_0_review_id = resolve('review_id')
    l_0_resolved_on = resolve('resolved_on')
    l_0_excluded_job_ids = resolve('excluded_job_ids')
    l_0_note = resolve('note')
    l_0_score_before = resolve('score_before')
    l_0_score_changed = resolve('score_changed')
    l_0_score_after = resolve('score_after')
    l_0_font = missing
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    pass
    l_0_font = 'font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica Neue,Arial,sans-serif;'
    context.vars['font'] = l_0_font
    context.exported_vars.add('font')
    yield '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="color-scheme" content="light">\n<title>'
    yield str((undefined(name='subject') if l_0_subject is missing else l_0_subject))
    yield '</title>\n</head>\n<body style="margin:0;padding:0;background-color:#eef1f5;">\n<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#eef1f5;">\n<tr>\n<td align="center" style="padding:24px 12px;">\n<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid #dde3ea;border-radius:10px;border-collapse:separate;'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'color:#1f2937;">\n<tr>\n<td style="background-color:#0f2942;border-radius:10px 10px 0 0;padding:18px 24px;">\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:12px;line-height:16px;letter-spacing:1.5px;text-transform:uppercase;color:#9fb6cc;">'
    yield str((undefined(name='product') if l_0_product is missing else l_0_product))
    yield '</div>\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:20px;line-height:26px;font-weight:700;color:#ffffff;padding-top:4px;">Your score review: '
    yield str(('adjusted' if ((undefined(name='decision') if l_0_decision is missing else l_0_decision) == 'adjusted') else 'upheld'))
    yield '</div>\n</td>\n</tr>\n<tr>\n<td style="padding:22px 24px 8px;'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:15px;line-height:22px;">\n  <p style="margin:0 0 12px;">Hello '
    yield str((undefined(name='partner_name') if l_0_partner_name is missing else l_0_partner_name))
    yield ',</p>\n  <p style="margin:0 0 16px;">We have finished reviewing your score (review <span style="word-break:break-all;">'
    yield str((undefined(name='review_id') if l_0_review_id is missing else l_0_review_id))
    yield '</span>, decided '
    yield str((undefined(name='resolved_on') if l_0_resolved_on is missing else l_0_resolved_on))
    yield ').</p>\n  <p style="margin:0 0 16px;">Decision: <strong>'
    yield str(('Adjusted' if ((undefined(name='decision') if l_0_decision is missing else l_0_decision) == 'adjusted') else 'Upheld'))
    yield '</strong>.\n'
    if ((undefined(name='decision') if l_0_decision is missing else l_0_decision) == 'adjusted'):
        pass
        yield 'Jobs no longer counted: <span style="word-break:break-all;">'
        yield str(t_1(context.eval_ctx, (undefined(name='excluded_job_ids') if l_0_excluded_job_ids is missing else l_0_excluded_job_ids), ', '))
        yield '</span>.'
    else:
        pass
        yield 'Your score stands as it was.'
    yield '</p>\n'
    if (undefined(name='note') if l_0_note is missing else l_0_note):
        pass
        yield '  <p style="margin:0 0 6px;color:#5b6776;font-size:13px;line-height:19px;">Note from our team</p>\n  <p style="margin:0 0 16px;padding:10px 12px;background-color:#f5f7fa;border-left:3px solid #1f6feb;white-space:pre-wrap;word-break:break-word;">'
        yield str((undefined(name='note') if l_0_note is missing else l_0_note))
        yield '</p>\n'
    yield '</td>\n</tr>\n<tr>\n<td style="padding:0 24px 8px;">\n  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield '">\n  <tr>\n    <td width="50%" style="padding:12px;border:1px solid #dde3ea;text-align:center;">\n      <div style="font-size:12px;line-height:16px;color:#5b6776;text-transform:uppercase;letter-spacing:1px;">Score before</div>\n      <div style="font-size:28px;line-height:36px;font-weight:700;color:#1f2937;">'
    yield str((undefined(name='score_before') if l_0_score_before is missing else l_0_score_before))
    yield '</div>\n    </td>\n    <td width="50%" style="padding:12px;border:1px solid #dde3ea;text-align:center;">\n      <div style="font-size:12px;line-height:16px;color:#5b6776;text-transform:uppercase;letter-spacing:1px;">Score after</div>\n      <div style="font-size:28px;line-height:36px;font-weight:700;color:'
    yield str(('#1a7f37' if (undefined(name='score_changed') if l_0_score_changed is missing else l_0_score_changed) else '#1f2937'))
    yield ';">'
    yield str((undefined(name='score_after') if l_0_score_after is missing else l_0_score_after))
    yield '</div>\n    </td>\n  </tr>\n  </table>\n</td>\n</tr>\n<tr>\n<td style="padding:12px 24px 24px;'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:13px;line-height:19px;color:#5b6776;">\n  Your score page shows the jobs that count and the review\'s full history.\n</td>\n</tr>\n</table>\n</td>\n</tr>\n</table>\n</body>\n</html>\n'

blocks = {}
debug_info = '2=29&9=33&15=35&18=37&19=41&23=45&24=47&25=49&26=53&27=55&28=64&30=67&36=70&40=72&44=74&51=78'