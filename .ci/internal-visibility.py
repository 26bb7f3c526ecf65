#!/usr/bin/env python3
# House rule: a type that nothing outside its package uses is not public. Fails listing each public top-level type
# under the checked source roots that no other package (in any module's main or test code) names, unless it appears
# in a public signature of a type that other packages do use (then it is part of that type's API).
# Usage: .ci/internal-visibility.py ffm lua-bindings engine -- tools   (modules after -- are only searched)
import os,re,sys
args=sys.argv[1:]
checked=args[:args.index('--')] if '--' in args else args
others=args[args.index('--')+1:] if '--' in args else []
src={}
for m in checked+others:
    for d,_,fs in os.walk(os.path.join(m,'src')):
        for f in fs:
            if f.endswith('.java'): src[os.path.join(d,f)]=open(os.path.join(d,f)).read()
def pkg(t):
    m=re.search(r'^package\s+([\w.]+);',t,re.M); return m.group(1) if m else ''
pk={f:pkg(t) for f,t in src.items()}
decl=re.compile(r'^public\s+(?:(?:final|abstract|sealed|non-sealed|static)\s+)*(?:class|interface|record|enum|@interface)\s+(\w+)',re.M)
types={}
for f,t in src.items():
    if not any(f.startswith(os.path.join(m,'src','main','java')) for m in checked): continue
    name=os.path.basename(f)[:-5]
    m=decl.search(t)
    if m and m.group(1)==name: types[f]=(pk[f],name)
def used_outside(p,name):
    fq=re.compile(r'\b'+re.escape(p+'.'+name)+r'\b')
    star=re.compile(r'^import\s+'+re.escape(p)+r'\.\*;',re.M)
    word=re.compile(r'\b'+name+r'\b')
    return any(pk[g]!=p and (fq.search(u) or (star.search(u) and word.search(u))) for g,u in src.items())
external={f for f,(p,n) in types.items() if used_outside(p,n)}
bad=[]
for f,(p,n) in sorted(types.items()):
    if f in external: continue
    sig=re.compile(r'^\s*public\s[^=;{]*\b'+n+r'\b[^=;{]*[({]',re.M)
    if any(pk[g]==p and g!=f and sig.search(src[g]) for g in external): continue
    bad.append(p+'.'+n)
if bad:
    print('internal-visibility: public types that no other package uses (drop "public"):')
    for b in bad: print('  '+b)
    sys.exit(1)
print('internal-visibility: %d public types, each used outside its package' % len(types))
