# GLMC, iNaturalist 2018, ResNeXt-50 32x4d: q = 0.2, p = 1.0, lambda_c = 10.
# Paper: many 64.60, medium 73.16, few 73.01, all 72.21.
_base_ = [
    '../_base_/models/glmc_resnext50_32x4d.py',
    '../_base_/datasets/inaturalist2018_glmc.py',
    '../_base_/schedules/glmc_inaturalist2018_bs128_120e.py',
    '../_base_/glmc_runtime.py',
]
model = dict(head=dict(num_classes=8142))
